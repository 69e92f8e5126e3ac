"""What a run shows and writes: the terminal table, JSON, JUnit XML and the HTML report.
May import the runner's results and the layers below it, never `cli` or `pytest_support`."""
