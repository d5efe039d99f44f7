"""The installed llama-cpp-python build runs on any x86-64-v3 CPU: its shared libraries
contain AVX2 code but no AVX-512, AVX-VNNI or AMX instruction (Makefile, the `llm`
extra). A native build on an AVX-512/AMX Xeon segfaulted; one made on such a machine
would die of SIGILL on this AMD EPYC, which has neither.

The libraries are disassembled with objdump, never loaded: pytest must not run
native model code. The detector is proven on objects compiled here with gcc: one
using zmm registers and mask registers (-mavx512f), one using an AMX tile
instruction, each of which it must flag, and one AVX2 object that it must pass.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

# What an x86-64-v3 CPU (AVX2, FMA, F16C, BMI2) cannot execute, as objdump prints it.
FORBIDDEN = {
    "AVX-512 zmm register": re.compile(r"%zmm\d+"),
    "AVX-512 mask register": re.compile(r"%k[0-7]\b"),
    "AVX-512 register xmm16-31/ymm16-31": re.compile(r"%[xy]mm(?:1[6-9]|2\d|3[01])\b"),
    "AVX-512-only instruction": re.compile(
        r"^\s*(?:\{evex\}\s*)?(?:vpternlog[dq]|vperm[it]2\w+|vp?compress\w+|vp?expand\w+|vpconflict\w|vplzcnt\w|"
        r"vrcp14\w+|vrsqrt14\w+|vscalef\w+|vgetexp\w+|vgetmant\w+|vfixupimm\w+|vrange\w+|vreduce\w+|vpmov[dqw][bwd]\w*|"
        r"vpmultishiftqb|vpermb|vpshl[dv]\w*|vpshr[dv]\w*|vcvtne2ps2bf16|vdpbf16ps|kmov\w|kand\w*|kor\w*|kshift\w+)\b"
    ),
    "VNNI dot product (AVX-VNNI or AVX512-VNNI)": re.compile(r"^\s*(?:\{vex\}\s*)?vpdp(?:bus|wss)ds?\b"),
    "AMX tile instruction": re.compile(r"^\s*(?:ldtilecfg|sttilecfg|tileloadd\w*|tilestored|tilezero|tilerelease|tdp\w+)\b"),
}
AVX2_MARK = re.compile(r"%ymm\d+")


def forbidden_instructions(binary: Path) -> Counter:
    """How often each forbidden kind occurs in the binary's disassembly."""
    found: Counter = Counter()
    with subprocess.Popen(
        ["objdump", "-d", "--no-show-raw-insn", "--no-addresses", str(binary)], stdout=subprocess.PIPE, text=True
    ) as objdump:
        assert objdump.stdout is not None
        for line in objdump.stdout:
            _, tab, instruction = line.partition("\t")
            if not tab:  # labels and headers, not instructions
                continue
            for kind, pattern in FORBIDDEN.items():
                if pattern.search(instruction):
                    found[kind] += 1
    assert objdump.returncode == 0, f"objdump failed on {binary}"
    return found


def ymm_instructions(binary: Path) -> int:
    listing = subprocess.run(["objdump", "-d", "--no-show-raw-insn", str(binary)], capture_output=True, text=True, check=True)
    return len(AVX2_MARK.findall(listing.stdout))


@pytest.fixture(scope="module")
def llama_libraries() -> list[Path]:
    if shutil.which("objdump") is None:
        pytest.fail("objdump (binutils) is needed to check the llama.cpp build")
    spec = importlib.util.find_spec("llama_cpp")  # located, not imported
    assert spec is not None and spec.submodule_search_locations, "llama-cpp-python is not installed (make llm)"
    lib = Path(next(iter(spec.submodule_search_locations))) / "lib"
    # The wheel holds libX.so, libX.so.0 and libX.so.0.N.M as identical copies: one each.
    unique = {hashlib.sha256(p.read_bytes()).digest(): p for p in sorted(lib.glob("*.so*")) if p.is_file()}
    libraries = sorted(unique.values())
    names = {p.name.split(".so")[0] for p in libraries}
    assert len(names) == len(libraries), libraries
    assert {"libllama", "libggml", "libggml-base", "libggml-cpu"} <= names, names
    return libraries


def _compile(tmp_path: Path, name: str, source: str, *flags: str) -> Path:
    c_file, obj = tmp_path / f"{name}.c", tmp_path / f"{name}.o"
    c_file.write_text("#include <immintrin.h>\n" + source)
    subprocess.run(["gcc", "-O2", "-c", *flags, str(c_file), "-o", str(obj)], check=True, capture_output=True)
    return obj


def test_detector_flags_avx512_and_amx_and_passes_avx2(tmp_path: Path) -> None:
    avx512 = _compile(
        tmp_path,
        "avx512",
        "void add(float *a, const float *b, __mmask16 m) {"
        " _mm512_storeu_ps(a, _mm512_mask_add_ps(_mm512_loadu_ps(a), m, _mm512_loadu_ps(a), _mm512_loadu_ps(b))); }",
        "-mavx512f",
    )
    amx = _compile(tmp_path, "amx", "void done(void) { _tile_release(); }", "-mamx-tile")
    avx2 = _compile(
        tmp_path,
        "avx2",
        "void add(float *a, const float *b) { _mm256_storeu_ps(a, _mm256_fmadd_ps(_mm256_loadu_ps(a), _mm256_loadu_ps(b), _mm256_loadu_ps(a))); }",
        "-mavx2",
        "-mfma",
    )
    flagged = forbidden_instructions(avx512)
    assert flagged["AVX-512 zmm register"] > 0 and flagged["AVX-512 mask register"] > 0, flagged
    assert forbidden_instructions(amx)["AMX tile instruction"] == 1
    assert forbidden_instructions(avx2) == Counter()
    assert ymm_instructions(avx2) > 0


def test_installed_llama_cpp_has_no_avx512_vnni_or_amx(llama_libraries: list[Path]) -> None:
    found = {p.name: forbidden_instructions(p) for p in llama_libraries}
    assert all(not kinds for kinds in found.values()), {name: dict(kinds) for name, kinds in found.items() if kinds}


def test_installed_llama_cpp_uses_avx2(llama_libraries: list[Path]) -> None:
    """The flags took effect: the CPU backend is vectorised for AVX2, not a plain SSE build."""
    (cpu,) = [p for p in llama_libraries if p.name.startswith("libggml-cpu")]
    assert ymm_instructions(cpu) > 1000
