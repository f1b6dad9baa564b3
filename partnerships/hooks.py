"""What the partnership records let upper layers react to, once the change commits.

`portfolio_changed`: a partner, a partnership (its stage, its members) or an
agreement changed, so what the portfolio shows may have moved; the dashboards'
cache registers here, so a manager's change shows at once. No payload.
"""

from core.hooks import Hook

portfolio_changed = Hook("partnerships.portfolio_changed")
