from kanbo.contacts.spec import CONTACT_SPEC
from kanbo.entities.routes import make_router

router = make_router(CONTACT_SPEC)
