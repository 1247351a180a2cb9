"""The one thing pyproject.toml cannot say: layouts/ and fonts/ ship inside the package.

They stay at the repository's top level, where the developers edit them; a wheel
carries them as qhgy_publish/data/layouts/ and qhgy_publish/data/fonts/, which
qhgy_publish.paths finds with importlib.resources. Every other setting is in
pyproject.toml.
"""

from setuptools import find_packages, setup

DATA = {"qhgy_publish.data.layouts": "layouts", "qhgy_publish.data.fonts": "fonts"}

setup(
    package_dir={"": "src", **DATA},
    packages=[*find_packages("src"), *DATA],
    package_data={name: ["**/*"] for name in DATA},
)
