"""One-click unsubscribe from notification mails (RFC 8058).

``POST /notifications/unsubscribe?token=…`` (what a mail client sends for
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``) stops the e-mail the signed token names;
no session is needed, the signature is the authority. ``GET`` only shows a page with a button
that posts: link scanners that open every URL in a mail must not unsubscribe anyone.
"""

from __future__ import annotations

import html

from litestar import MediaType, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery

from backend.runtime import Runtime

__all__ = ["unsubscribe_routes"]

_PAGE = (
    '<!doctype html><html><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width"><title>Dossier</title></head>'
    '<body style="font-family:sans-serif">{body}</body></html>'
)


@get("/notifications/unsubscribe", media_type=MediaType.HTML)
async def unsubscribe_page(token: FromQuery[str] = "") -> str:
    action = f"/notifications/unsubscribe?token={html.escape(token, quote=True)}"
    return _PAGE.format(
        body=f'<form method="post" action="{action}"><p>Stop these e-mails from Dossier?</p>'
        '<button type="submit">Unsubscribe</button></form>'
    )


@post("/notifications/unsubscribe", media_type=MediaType.HTML, status_code=200)
async def unsubscribe(runtime: NamedDependency[Runtime], token: FromQuery[str] = "") -> str:
    await runtime.services().notifications.unsubscribe_by_token(token)
    return _PAGE.format(body="<p>Unsubscribed. You will get no more of these e-mails.</p>")


unsubscribe_routes = [unsubscribe_page, unsubscribe]
