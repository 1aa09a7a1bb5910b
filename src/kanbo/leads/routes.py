from fastapi import APIRouter

from kanbo.entities.routes import make_router
from kanbo.leads.loss_reasons import router as loss_reasons_router
from kanbo.leads.spec import LEAD_SPEC
from kanbo.leads.summary import router as summary_router

router = APIRouter()
router.include_router(loss_reasons_router)
router.include_router(summary_router)
router.include_router(make_router(LEAD_SPEC))
