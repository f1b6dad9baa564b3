"""What evaluation lets upper layers react to, once the change commits.

Upper layers register in their `AppConfig.ready()`: the dashboards' read model
and cache with both, the reminders with `scorecard_returned`.
"""

from core.hooks import Hook

# What executives may see has changed: a run finished, a scorecard was approved
# or overridden, a new policy (and so a new expiry window) was published.
# Payload: `partnership_ids` when only those partnerships' scorecards changed
# (a review; empty for a policy, which moves no scorecard); none when any may
# have (a run).
scorecards_changed = Hook("evaluation.scorecards_changed")

# A reviewer returned a scorecard to its owner. Payload: event_id (ScorecardEvent).
scorecard_returned = Hook("evaluation.scorecard_returned")
