"""The benchmarks: tooling around the app, not part of it.

- `portfolio`: synthetic portfolios written with COPY, and the scorecards a
  year of assessments would have left (scored by `evaluation.scoring` itself);
- `assessment`: a full assessment against a one-statement SQL lower bound;
- `dashboards`: each dashboard against its own SQL and an empty view, with
  `urls` as the URLconf it selects while measuring;
- `runner`: throwaway PostgreSQL and Redis servers to run them in.

`make benchmark` and `make benchmark-dashboards` run
`python -m tooling.benchmarks.runner assessment|dashboards $(ARGS)`.
"""
