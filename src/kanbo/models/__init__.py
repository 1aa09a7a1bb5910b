"""Every table, one module per aggregate. Importing this package registers them all."""

from kanbo.models.accounts import Account, ServerKey
from kanbo.models.auth import AuthorizationCode, BrowserSession, Grant, Integration, RefreshToken
from kanbo.models.users import Role, User, UserGroup

__all__ = [
    "Account",
    "AuthorizationCode",
    "BrowserSession",
    "Grant",
    "Integration",
    "RefreshToken",
    "Role",
    "ServerKey",
    "User",
    "UserGroup",
]
