"""The pytest plugin's machinery behind `harness.plugin`: pytest's spelling of the options,
scenario selection and sharding, the fixtures' callables, the run's results and summary.
Imported only by `harness.plugin`; it may import every library layer below (see the README)."""
