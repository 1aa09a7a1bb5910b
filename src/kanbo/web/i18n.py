"""The pages' texts in English and Spanish, and the choice of language."""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "login_title": "Sign in",
        "email": "Email",
        "password": "Password",
        "subdomain": "Account (subdomain, optional)",
        "submit": "Sign in",
        "err_invalid": "Wrong email or password.",
        "err_throttled": "Too many failed sign-ins. Try again in {seconds} s.",
        "err_inactive": "This user is deactivated.",
        "err_ambiguous": "This email belongs to several accounts. Enter the account's subdomain: {accounts}.",
        "err_csrf": "The form has expired. Please try again.",
        "consent_title": "Allow access",
        "consent_intro": "{integration} asks for access to the account {account}.",
        "consent_scopes": "It will be able to:",
        "consent_user": "Signed in as {user} ({email}).",
        "allow": "Allow",
        "deny": "Deny",
        "switch_user": "Sign in as another user",
        "error_title": "Error",
        "err_client": "Unknown integration (client_id).",
        "err_disabled": "This integration is disabled.",
        "err_redirect": "The redirect_uri does not match the one registered for the integration.",
        "err_response_type": "Only response_type=code is supported.",
        "err_pkce": "Invalid PKCE parameters: only code_challenge_method=S256 is supported.",
        "err_other_account": "This integration belongs to another account than the one you are signed in to.",
        "err_session_csrf": "The request could not be verified. Reload the page and try again.",
        "scope_crm": "Read and change the CRM data: leads, contacts, companies, tasks and more",
        "scope_notifications": "Send notifications to the account's users",
        "scope_files": "Read the account's files",
        "scope_files_delete": "Delete the account's files",
        "scope_push_notifications": "Send push notifications",
    },
    "es": {
        "login_title": "Iniciar sesión",
        "email": "Correo electrónico",
        "password": "Contraseña",
        "subdomain": "Cuenta (subdominio, opcional)",
        "submit": "Entrar",
        "err_invalid": "Correo electrónico o contraseña incorrectos.",
        "err_throttled": "Demasiados intentos fallidos. Inténtelo de nuevo en {seconds} s.",
        "err_inactive": "Este usuario está desactivado.",
        "err_ambiguous": "Este correo pertenece a varias cuentas. Indique el subdominio de la cuenta: {accounts}.",
        "err_csrf": "El formulario ha caducado. Inténtelo de nuevo.",
        "consent_title": "Permitir acceso",
        "consent_intro": "{integration} solicita acceso a la cuenta {account}.",
        "consent_scopes": "Podrá:",
        "consent_user": "Sesión iniciada como {user} ({email}).",
        "allow": "Permitir",
        "deny": "Denegar",
        "switch_user": "Entrar con otro usuario",
        "error_title": "Error",
        "err_client": "Integración desconocida (client_id).",
        "err_disabled": "Esta integración está desactivada.",
        "err_redirect": "El redirect_uri no coincide con el registrado para la integración.",
        "err_response_type": "Solo se admite response_type=code.",
        "err_pkce": "Parámetros PKCE no válidos: solo se admite code_challenge_method=S256.",
        "err_other_account": "Esta integración pertenece a otra cuenta, no a la de la sesión iniciada.",
        "err_session_csrf": "No se pudo verificar la solicitud. Recargue la página e inténtelo de nuevo.",
        "scope_crm": "Leer y modificar los datos del CRM: leads, contactos, empresas, tareas y más",
        "scope_notifications": "Enviar notificaciones a los usuarios de la cuenta",
        "scope_files": "Leer los archivos de la cuenta",
        "scope_files_delete": "Eliminar los archivos de la cuenta",
        "scope_push_notifications": "Enviar notificaciones push",
    },
}


def text(lang: str, key: str, **values: str) -> str:
    template = TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE])[key]
    return template.format(**values) if values else template


def scope_label(lang: str, scope: str) -> str:
    return TEXTS.get(lang, TEXTS[DEFAULT_LANGUAGE]).get(f"scope_{scope}", scope)


def _supported(tag: str | None) -> str | None:
    if not tag:
        return None
    primary = tag.strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str) -> str | None:
    """The supported language the client prefers most (``es-MX,es;q=0.9,en;q=0.8`` → ``es``)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        language = _supported(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def pick_language(request: Request, explicit: str | None = None, account_language: str | None = None) -> str:
    """``lang`` (query or form), then ``Accept-Language``, then the account's language, then English."""
    return (
        _supported(explicit)
        or _supported(request.query_params.get("lang"))
        or from_accept_language(request.headers.get("accept-language", ""))
        or _supported(account_language)
        or DEFAULT_LANGUAGE
    )
