"""Running and publishing a quarter: the notebooks executed on warm kernels, the paper rendered,
published in one step with its manifest, and verified later.  ``run.py`` is the recipe.
"""
