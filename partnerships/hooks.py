"""What the partnership records let upper layers react to, once the change commits.

`portfolio_changed`: a partner, a partnership (its stage, its members) or an
agreement changed, so what the portfolio shows may have moved; the dashboards'
read model and cache register here, so a manager's change shows at once.
Payload: `partnership_ids`, the partnerships whose figures may have moved;
without it (a change across the portfolio, the daily expiry) any may have.
"""

from core.hooks import Hook

portfolio_changed = Hook("partnerships.portfolio_changed")
