"""What the partnership records let upper layers react to.

`portfolio_changed`: a partner, a partnership (its stage, its members) or an
agreement changed, so what the portfolio shows may have moved; the dashboards'
read model and cache register here, so a manager's change shows at once.
Payload: `partnership_ids`, the partnerships whose figures may have moved;
without it (a change across the portfolio, the daily expiry) any may have.
Fired on commit.

`end_date_moving`: a partnership's end date is about to move to `end`, its
row locked. An upper layer whose records are dated within the partnership's
run (the health checks) says why that date would leave some of them after
it, as the partnership's own values are refused
(`services.refuse_stranded`): a receiver returns a ValidationError for the
`end_date` field, or None. Fired with `fire_now`, before the change is saved.
Payload: `partnership`, `end` (a date).
"""

from core.hooks import Hook

portfolio_changed = Hook("partnerships.portfolio_changed")

end_date_moving = Hook("partnerships.end_date_moving")
