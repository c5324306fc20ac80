"""Demo pictures drawn with Pillow: a delivery at the ramp, a damaged carton, a floor sketch.

Cheap on purpose (about 3 ms each): flat shapes compress well and need no image assets. The same
spec gives the same bytes; ``seed`` varies colours and layout from picture to picture.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Literal

from PIL import Image, ImageDraw

from backend.demo.fonts import image_font

__all__ = ["ImageSpec", "render_image"]

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class ImageSpec:
    scene: Literal["delivery", "damage", "sketch"]
    caption: str  # the bar across the top
    stamp: str  # the camera's time stamp, bottom right
    seed: int
    format: Literal["JPEG", "PNG"] = "JPEG"
    size: tuple[int, int] = (800, 600)
    label: str = ""  # printed on the shipping labels


def _shade(rng: random.Random, rgb: RGB, spread: int = 14) -> RGB:
    """``rgb`` a little lighter or darker, with a touch of per-channel noise."""
    light = rng.randint(-spread, spread)
    r, g, b = (max(0, min(255, c + light + rng.randint(-4, 4))) for c in rgb)
    return r, g, b


def _sketch(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
    for x in range(0, w, 20):
        draw.line([(x, 0), (x, h)], fill=(205, 225, 245))
    for y in range(0, h, 20):
        draw.line([(0, y), (w, y)], fill=(205, 225, 245))
    x0, y0 = rng.randrange(60, 200, 20), rng.randrange(80, 160, 20)
    x1, y1 = rng.randrange(w - 240, w - 80, 20), rng.randrange(h - 200, h - 100, 20)
    draw.rectangle([x0, y0, x1, y1], outline="black", width=3)
    door = rng.randrange(x0 + 40, x1 - 100, 20)
    draw.line([(door, y1), (door + 60, y1)], fill="white", width=5)
    draw.arc([door, y1 - 60, door + 120, y1 + 60], 180, 270, fill="black", width=2)
    for shelf in range(x0 + 20, x1 - 60, 80):  # shelving along the back wall
        draw.rectangle([shelf, y0 + 10, shelf + 60, y0 + 40], outline=(60, 60, 60), width=2)
    width, depth = (x1 - x0) / 100, (y1 - y0) / 100
    font = image_font(18)
    draw.text((x0, y0 - 28), f"{width:.2f} m".replace(".", ","), "black", font)
    draw.text((x1 + 10, (y0 + y1) // 2), f"{depth:.2f} m".replace(".", ","), "black", font)


def _ramp(draw: ImageDraw.ImageDraw, rng: random.Random, spec: ImageSpec) -> None:
    w, h = spec.size
    floor = int(h * rng.uniform(0.55, 0.62))
    draw.rectangle([0, 0, w, floor], fill=_shade(rng, (200, 196, 188)))  # wall
    draw.rectangle([0, floor, w, h], fill=_shade(rng, (128, 128, 124)))  # concrete
    for x in range(rng.randint(0, 80), w, 160):  # wall panels
        draw.line([(x, 0), (x, floor)], fill=(170, 168, 160), width=2)
    pallets = rng.randint(1, 3) if spec.scene == "delivery" else 1
    spots = [
        (rng.randint(floor + 60, h - 40), x) for x in rng.sample(range(0, w - 280, 40), pallets)
    ]
    box: tuple[int, int] = (0, 0)
    for base, px in sorted(spots):  # far to near, so nearer pallets hide farther ones
        draw.rectangle([px, base - 18, px + 260, base], fill=_shade(rng, (160, 120, 70)))
        for gap in (60, 190):  # the pallet's fork openings
            draw.rectangle([px + gap, base - 12, px + gap + 30, base], fill=(60, 45, 30))
        for row in range(rng.randint(2, 4)):
            for col in range(3):
                bx, by = px + 2 + col * 86, base - 18 - (row + 1) * 70
                carton = _shade(rng, (196, 156, 100))
                draw.rectangle([bx, by, bx + 84, by + 68], fill=carton, outline=(120, 90, 50))
                box = (bx, by)
        draw.rectangle([px + 80, base - 70, px + 180, base - 46], fill="white")
        draw.text((px + 84, base - 66), spec.label, "black", image_font(11))
    if spec.scene == "damage":  # a torn carton, circled by whoever took the photo
        cx, cy = box[0] + 42, box[1] + 34
        tear = [(cx - 24, cy - 8), (cx + 20, cy - 20), (cx + 8, cy + 22), (cx - 6, cy + 4)]
        draw.polygon(tear, fill=(70, 50, 30))
        draw.ellipse([cx - 60, cy - 50, cx + 60, cy + 50], outline=(220, 20, 20), width=6)


def render_image(spec: ImageSpec) -> bytes:
    rng = random.Random(spec.seed)
    w, h = spec.size
    image = Image.new("RGB", spec.size, "white")
    draw = ImageDraw.Draw(image)
    if spec.scene == "sketch":
        _sketch(draw, rng, w, h)
    else:
        _ramp(draw, rng, spec)
        draw.text((w - 230, h - 36), spec.stamp, (255, 190, 40), image_font(20))
    draw.rectangle([0, 0, w, 36], fill=(30, 30, 30))
    draw.text((12, 8), spec.caption, "white", image_font(18))
    out = io.BytesIO()
    if spec.format == "JPEG":
        image.save(out, "JPEG", quality=72)
    else:
        image.save(out, "PNG")
    return out.getvalue()
