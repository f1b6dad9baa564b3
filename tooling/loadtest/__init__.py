"""The load test: `python -m tooling.loadtest` (`make loadtest`); see __main__."""
