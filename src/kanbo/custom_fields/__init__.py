"""Custom fields: definitions and groups (spec §12.1-12.3, §12.5) and entity values (§12.4).

Other domains use :mod:`kanbo.custom_fields.values`; the API lives in :mod:`kanbo.custom_fields.routes`.
"""
