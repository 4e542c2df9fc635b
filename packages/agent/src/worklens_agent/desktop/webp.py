"""WebP straight from grabbed BGRX pixels, through the libwebp that Pillow itself loaded (Linux).

Pillow's WebP encoder starts from a Pillow image (4 bytes a pixel) and copies it into an ARGB
picture (4 more) before libwebp converts that to YUV (1.5): a 1920x1080 capture then holds about
8 + 8 + 3 MB at once. libwebp imports BGRX rows into YUV itself, so from the grabbed pixels the
same image needs 8 + 3 MB. Where no shared libwebp can be found (Pillow's Windows and macOS wheels
link it into their extension), `bgrx_encoder()` is None and the caller uses Pillow.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
import re
import sys
from pathlib import Path

log = logging.getLogger(__name__)

#: Only the major byte is checked by libwebp (WEBP_ABI_IS_INCOMPATIBLE); 0x020F is libwebp 1.x.
ENCODER_ABI_VERSION = 0x020F
WEBP_PRESET_DEFAULT = 0
_LIBRARY_NAME = re.compile(r"^libwebp(-[0-9a-f]+)?\.so(\.\d+)*$")


class _Config(ctypes.Structure):
    """`WebPConfig` (src/webp/encode.h), field for field."""

    _fields_ = [
        ("lossless", ctypes.c_int),
        ("quality", ctypes.c_float),
        ("method", ctypes.c_int),
        ("image_hint", ctypes.c_int),
        ("target_size", ctypes.c_int),
        ("target_PSNR", ctypes.c_float),
        *(
            (name, ctypes.c_int)
            for name in (
                "segments",
                "sns_strength",
                "filter_strength",
                "filter_sharpness",
                "filter_type",
                "autofilter",
                "alpha_compression",
                "alpha_filtering",
                "alpha_quality",
                "pass_",
                "show_compressed",
                "preprocessing",
                "partitions",
                "partition_limit",
                "emulate_jpeg_size",
                "thread_level",
                "low_memory",
                "near_lossless",
                "exact",
                "use_delta_palette",
                "use_sharp_yuv",
                "qmin",
                "qmax",
            )
        ),
    ]


class _Picture(ctypes.Structure):
    """`WebPPicture` (src/webp/encode.h), padding included."""

    _fields_ = [
        ("use_argb", ctypes.c_int),
        ("colorspace", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("y", ctypes.c_void_p),
        ("u", ctypes.c_void_p),
        ("v", ctypes.c_void_p),
        ("y_stride", ctypes.c_int),
        ("uv_stride", ctypes.c_int),
        ("a", ctypes.c_void_p),
        ("a_stride", ctypes.c_int),
        ("pad1", ctypes.c_uint32 * 2),
        ("argb", ctypes.c_void_p),
        ("argb_stride", ctypes.c_int),
        ("pad2", ctypes.c_uint32 * 3),
        ("writer", ctypes.c_void_p),
        ("custom_ptr", ctypes.c_void_p),
        ("extra_info_type", ctypes.c_int),
        ("extra_info", ctypes.c_void_p),
        ("stats", ctypes.c_void_p),
        ("error_code", ctypes.c_int),
        ("progress_hook", ctypes.c_void_p),
        ("user_data", ctypes.c_void_p),
        ("pad3", ctypes.c_uint32 * 3),
        ("pad4", ctypes.c_void_p),
        ("pad5", ctypes.c_void_p),
        ("pad6", ctypes.c_uint32 * 8),
        ("memory_", ctypes.c_void_p),
        ("memory_argb_", ctypes.c_void_p),
        ("pad7", ctypes.c_void_p * 2),
    ]


class _MemoryWriter(ctypes.Structure):
    """`WebPMemoryWriter` (src/webp/encode.h)."""

    _fields_ = [
        ("mem", ctypes.c_void_p),
        ("size", ctypes.c_size_t),
        ("max_size", ctypes.c_size_t),
        ("pad", ctypes.c_uint32 * 1),
    ]


class WebPError(Exception):
    """libwebp refused the picture or ran out of memory; the code is libwebp's error code."""


class BgrxWebpEncoder:
    def __init__(self, library: ctypes.CDLL) -> None:
        self._lib = library
        pointer = ctypes.c_void_p
        signatures: dict[str, tuple[list[type], type | None]] = {
            "WebPConfigInitInternal": ([pointer, ctypes.c_int, ctypes.c_float, ctypes.c_int], int),
            "WebPValidateConfig": ([pointer], int),
            "WebPPictureInitInternal": ([pointer, ctypes.c_int], int),
            "WebPPictureImportBGRX": ([pointer, pointer, ctypes.c_int], int),
            "WebPMemoryWriterInit": ([pointer], None),
            "WebPMemoryWriterClear": ([pointer], None),
            "WebPEncode": ([pointer, pointer], int),
            "WebPPictureFree": ([pointer], None),
        }
        for name, (argtypes, restype) in signatures.items():
            function = getattr(library, name)
            function.argtypes = argtypes
            function.restype = ctypes.c_int if restype is int else None
        self._write = ctypes.cast(library.WebPMemoryWrite, ctypes.c_void_p).value

    def encode(
        self, bgrx: bytearray, width: int, height: int, *, quality: float, method: int
    ) -> bytes:
        """Lossy WebP of `width` x `height` BGRX pixels (4 bytes each, rows top to bottom)."""
        if len(bgrx) < width * height * 4:
            raise ValueError(f"{len(bgrx)} bytes cannot hold {width}x{height} BGRX pixels")
        lib = self._lib
        config = _Config()
        if not lib.WebPConfigInitInternal(
            ctypes.byref(config), WEBP_PRESET_DEFAULT, quality, ENCODER_ABI_VERSION
        ):
            raise WebPError("libwebp refused its configuration (ABI version)")
        config.method = method
        if not lib.WebPValidateConfig(ctypes.byref(config)):
            raise WebPError(f"invalid WebP configuration (quality {quality}, method {method})")
        picture = _Picture()
        if not lib.WebPPictureInitInternal(ctypes.byref(picture), ENCODER_ABI_VERSION):
            raise WebPError("libwebp refused its picture (ABI version)")
        picture.use_argb = 0  # BGRX rows go straight to YUV: no ARGB copy of the image
        picture.width, picture.height = width, height
        writer = _MemoryWriter()
        lib.WebPMemoryWriterInit(ctypes.byref(writer))
        try:
            pixels = (ctypes.c_uint8 * len(bgrx)).from_buffer(bgrx)
            imported = lib.WebPPictureImportBGRX(ctypes.byref(picture), pixels, width * 4)
            del pixels  # the buffer export would keep `bgrx` from being resized or freed
            if not imported:
                raise WebPError(f"libwebp could not import the picture ({picture.error_code})")
            picture.writer = self._write
            picture.custom_ptr = ctypes.addressof(writer)
            if not lib.WebPEncode(ctypes.byref(config), ctypes.byref(picture)):
                raise WebPError(f"libwebp could not encode the picture ({picture.error_code})")
            return ctypes.string_at(writer.mem, writer.size)
        finally:
            lib.WebPPictureFree(ctypes.byref(picture))
            lib.WebPMemoryWriterClear(ctypes.byref(writer))


def _loaded_libwebp() -> Path | None:
    """The libwebp that Pillow's WebP module has loaded into this process, from its mappings."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)  # address, perms, offset, device, inode, path
        if len(fields) == 6 and _LIBRARY_NAME.match(Path(fields[5]).name):
            return Path(fields[5])
    return None


@functools.cache
def bgrx_encoder() -> BgrxWebpEncoder | None:
    """The direct encoder, or None where it cannot be used (then Pillow encodes)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        from PIL import _webp  # noqa: F401 - loads Pillow's libwebp, which is the one to use
    except ImportError:
        return None
    path = _loaded_libwebp()
    name = str(path) if path is not None else ctypes.util.find_library("webp")
    if name is None:
        return None
    try:
        return BgrxWebpEncoder(ctypes.CDLL(name))
    except (OSError, AttributeError) as exc:
        log.info("libwebp at %s not usable directly (%s); Pillow encodes screenshots", name, exc)
        return None
