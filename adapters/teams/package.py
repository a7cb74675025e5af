"""``stodbot teams-package``: the Teams app package (manifest.json and two icons, zipped)."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from PIL import Image, ImageDraw

from bot.commands import COMMANDS

MANIFEST_SCHEMA = (
    "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
)
BLUE = (0, 114, 178)


def _icon(size: int, outline: bool) -> bytes:
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0) if outline else BLUE + (255,))
    draw = ImageDraw.Draw(image)
    colour = (255, 255, 255, 255)
    pad = size // 5
    draw.rounded_rectangle(
        [pad, pad, size - pad, size - pad - size // 8],
        radius=size // 8,
        outline=colour,
        width=max(1, size // 16),
    )
    draw.polygon(
        [
            (pad * 2, size - pad - size // 8),
            (pad * 2, size - pad // 2),
            (pad * 3, size - pad - size // 8),
        ],
        fill=colour,
    )
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def manifest(
    app_id: str, municipality: str, base_url: str | None, version: str = "1.0.0"
) -> dict[str, Any]:
    commands = [
        {"title": c.name, "description": c.help_sv[:128]}
        for c in COMMANDS.all()
        if not c.staff_only
    ][:10]
    domain = (base_url or "").split("//", 1)[-1].split("/", 1)[0]
    return {
        "$schema": MANIFEST_SCHEMA,
        "manifestVersion": "1.17",
        "version": version,
        "id": app_id,
        "developer": {
            "name": municipality,
            "websiteUrl": base_url or "https://example.invalid",
            "privacyUrl": (base_url or "https://example.invalid") + "/privacy",
            "termsOfUseUrl": (base_url or "https://example.invalid") + "/terms",
        },
        "name": {"short": "Stödbot", "full": f"Stödbot – stöd för chefer i {municipality}"},
        "description": {
            "short": "Svar på hur saker görs i kommunen",
            "full": "Ställ frågor om HR, ekonomi, IT, säkerhet, kansli och mer. Stödbot svarar "
            "ur kommunens kunskapsbank eller skickar frågan till rätt stödfunktion.",
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#0072B2",
        "bots": [
            {
                "botId": app_id,
                "scopes": ["personal", "team", "groupChat"],
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": ["personal", "team"], "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain] if domain else [],
    }


def build(app_id: str, municipality: str, base_url: str | None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "manifest.json",
            json.dumps(manifest(app_id, municipality, base_url), ensure_ascii=False, indent=2),
        )
        z.writestr("color.png", _icon(192, outline=False))
        z.writestr("outline.png", _icon(32, outline=True))
    return buf.getvalue()
