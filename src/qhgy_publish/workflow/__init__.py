"""The editors' month around the build: Word manuscripts in, proof rounds, the final build, the year's index.

Each module reads sources or build results and writes into the issue folder
(import) or into output/ (proofs, final build, index); none changes the data
flow of a build (load → model → transforms → renderers).
"""
