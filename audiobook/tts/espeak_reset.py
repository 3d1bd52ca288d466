"""Reset eSpeak NG's waveform-generator state before each clip, so that equal input gives equal audio."""

from __future__ import annotations

import ctypes
import os
import struct
from pathlib import Path

# eSpeak NG keeps the pitch-flutter phase, gain control, echo buffer, Klatt resonators and its
# random-number state in static variables that no API resets, so a clip's samples depend on every
# clip spoken before it in the process. Restoring those variables to their values right after
# initialisation makes each clip what it would be as the first clip of a fresh process: the clip
# cache, parallel renders and resumed renders then all give the same bytes. The names below are
# the wavegen.c and klatt.c statics; function-local ones carry a ".NNNN" suffix that varies by build.
_STATE = frozenset({
    "Flutter_ix", "agc", "amplitude2", "cycle_count", "h_switch_sign", "maxh", "maxh2", "wavephase",
    "samplecount", "samplecount_start", "nsamples", "end_wave", "cbytes", "phaseinc", "cycle_samples",
    "hf_factor", "modulation_type", "glottal_flag", "amp_ix", "amp_inc", "echo_buf", "echo_head", "echo_tail",
    "rbreath", "hspect", "hswitch", "harm_inc", "peaks", "peak_harmonic", "peak_height", "wdata", "kt_globals",
    "kt_frame", "klattp", "klattp1", "klattp_inc", "sample_count", "nlast", "glotlast", "vlast", "noise",
    "vwave", "skew", "time_count", "espeak_rand_state",
})


class StateReset:
    """Snapshot of eSpeak NG's generator state taken before any synthesis; `restore()` puts it back."""

    def __init__(self, library: str) -> None:
        base = _base_address(library)
        symbols = _data_symbols(library)
        self.regions: list[tuple[int, bytes]] = []
        if base is None or not symbols:
            return
        for name, value, size in symbols:
            if name.split(".", 1)[0] in _STATE and size:
                self.regions.append((base + value, ctypes.string_at(base + value, size)))

    @property
    def available(self) -> bool:
        """Whether the library's symbol table let us find the state (it does for espeakng-loader's build)."""
        return bool(self.regions)

    def restore(self) -> None:
        """Put the generator state back as it was right after initialisation; call only while idle."""
        for address, data in self.regions:
            ctypes.memmove(address, data, len(data))


def _base_address(library: str) -> int | None:
    """Where the library is mapped in this process (Linux), from /proc/self/maps."""
    real = os.path.realpath(library)
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and int(parts[2], 16) == 0 and os.path.realpath(parts[5]) == real:
                    return int(parts[0].split("-", 1)[0], 16)
    except OSError:
        return None
    return None


def _data_symbols(library: str) -> list[tuple[str, int, int]]:
    """(name, offset, size) of the data objects in a 64-bit little-endian ELF file's symbol table.

    Names repeat: two source files may each have a static of the same name.
    """
    try:
        data = Path(library).read_bytes()
    except OSError:
        return []
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    out: list[tuple[str, int, int]] = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 2 or not entsize:  # SHT_SYMTAB only: the statics are not in the dynamic table
            continue
        strings = sections[link][4]
        for j in range(size // entsize):
            st_name, st_info, _other, _shndx, value, st_size = struct.unpack_from("<IBBHQQ", data, offset + j * entsize)
            if st_info & 0xF != 1:  # STT_OBJECT
                continue
            end = data.index(b"\0", strings + st_name)
            out.append((data[strings + st_name:end].decode("ascii", "replace"), value, st_size))
    return out
