"""Rules of the API app: API tokens are configuration, the admin's alone."""

import rules

from competition.permissions import is_admin

rules.add_rule("api.manage_tokens", is_admin)
