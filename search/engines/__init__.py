"""The engines behind the seam (:mod:`search.backend`): one package each."""
