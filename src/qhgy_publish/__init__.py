"""qhgy-publish: the publishing pipeline of 《青海工运》.

Sources (``content/<issue-id>/``) load into a typed model (:mod:`qhgy_publish.model`),
transforms normalise it, renderers write the print PDF, the EPUB and the preview.
"""

__version__ = "0.1.0"

from .startup import open_libraries_quickly

open_libraries_quickly()
