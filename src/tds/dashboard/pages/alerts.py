"""The alerts page (placeholder until the alert lifecycle lands)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tds.dashboard.security import require_login

router = APIRouter(prefix="/alerts", dependencies=[Depends(require_login)])
