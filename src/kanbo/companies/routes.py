from kanbo.companies.spec import COMPANY_SPEC
from kanbo.entities.routes import make_router

router = make_router(COMPANY_SPEC)
