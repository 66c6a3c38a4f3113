"""Offline Authenticode check of the embeddable CPython's PE files with ``osslsigncode verify``.

    python installer/authenticode.py FOLDER [--extra-ca PEM]

Every ``.exe``, ``.dll`` and ``.pyd`` (and the ``python.cat`` catalog) must carry a valid signature whose
signer is the Python Software Foundation, checked against

* the system's CA bundle (``/etc/ssl/certs/ca-certificates.crt``: DigiCert Trusted Root G4 signs the
  OpenSSL and libffi DLLs), and
* the roots committed in ``installer/certs/``, each pinned below by its SHA-256: Microsoft's code-signing
  root "Microsoft Identity Verification Root Certificate Authority 2020" (Trusted Signing, which signs
  python.exe, python313.dll and the extension modules since 3.13) is in no Linux bundle.

The signing certificates are short-lived (three days); the signature's RFC 3161 timestamp, itself verified,
is the time the chain is checked at.  Revocation lists cannot be fetched offline (``-ignore-crl``).

``vcruntime140.dll`` and ``vcruntime140_1.dll`` are Microsoft's, not the PSF's: their chain ends at
"Microsoft Root Certificate Authority 2011", which is in no Linux bundle and not inside the signature.
Without ``--extra-ca`` (that root and "Microsoft Root Certificate Authority 2010", exported from a Windows
machine's certificate store as PEM) they are held only by the SHA-256 pin of the whole embeddable zip and
a message-digest check, and the build says so; with it they must verify in full like the rest.
A missing or invalid signature on any other file fails the build.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import ssl
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CERTS = HERE / "certs"
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")

# SHA-256 of the DER of every root committed in certs/ (a changed file fails the build).
PINNED_ROOTS = {
    "microsoft-identity-verification-root-2020.pem":
        "5367f20c7ade0e2bca790915056d086b720c33c1fa2a2661acf787e3292e1270",
}
PSF = "/O=Python Software Foundation/"
MICROSOFT_RUNTIME = {"vcruntime140.dll", "vcruntime140_1.dll"}
SIGNED_SUFFIXES = {".exe", ".dll", ".pyd", ".cat"}


@dataclass(frozen=True)
class Verdict:
    path: Path
    ok: bool
    signer: str
    detail: str


def _fingerprint(pem: str) -> str:
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def trust_bundle(into: Path, extra_ca: Path | None = None) -> Path:
    """The CA file osslsigncode gets: the system bundle, the pinned roots, and ``extra_ca`` when given."""
    if not SYSTEM_BUNDLE.is_file():
        raise SystemExit(f"no CA bundle at {SYSTEM_BUNDLE} (apt-get install ca-certificates)")
    parts = [SYSTEM_BUNDLE.read_text(encoding="ascii")]
    for name, expected in PINNED_ROOTS.items():
        pem = (CERTS / name).read_text(encoding="ascii")
        if _fingerprint(pem) != expected:
            raise SystemExit(f"installer/certs/{name}: SHA-256 is not the pinned {expected}")
        parts.append(pem)
    if extra_ca is not None:
        parts.append(extra_ca.read_text(encoding="ascii"))
    bundle = into / "authenticode-trust.pem"
    bundle.write_text("\n".join(parts), encoding="ascii")
    return bundle


def verify(path: Path, bundle: Path) -> Verdict:
    done = subprocess.run(
        ["osslsigncode", "verify", "-CAfile", str(bundle), "-TSA-CAfile", str(bundle), "-ignore-crl", "-in", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    out = done.stdout + done.stderr
    signer_match = re.search(r"Signer's certificate:\s*-+\s*Signer #0:\s*Subject: (\S[^\n]*)", out)
    signer = signer_match.group(1).strip() if signer_match else ""
    if "MISMATCH" in out:
        return Verdict(path, False, signer, "the file does not match its signed digest (altered after signing)")
    if "No signature found" in out or not signer_match:
        return Verdict(path, False, signer, "no signature")
    if done.returncode != 0 or "Signature verification: ok" not in out:
        errors = sorted(set(re.findall(r"(?:Error|Verify error): ([^\n]+)", out)))
        return Verdict(path, False, signer, "; ".join(errors) or "verification failed")
    return Verdict(path, True, signer, "ok")


def digest_matches(path: Path) -> bool:
    """The file's Authenticode digest equals the one in its signature (no trust decision)."""
    out = subprocess.run(["osslsigncode", "verify", "-ignore-crl", "-in", str(path)],
                         capture_output=True, text=True, check=False).stdout
    current = re.findall(r"Current message digest\s*:\s*([0-9A-F]+)", out)
    calculated = re.findall(r"Calculated message digest\s*:\s*([0-9A-F]+)", out)
    return bool(current) and current == calculated


def verify_folder(folder: Path, work: Path, extra_ca: Path | None = None) -> list[Verdict]:
    """Check every signed file type in ``folder``; raise SystemExit naming each failure."""
    if shutil.which("osslsigncode") is None:
        raise SystemExit("osslsigncode is missing (apt-get install osslsigncode): the signatures cannot be checked")
    bundle = trust_bundle(work, extra_ca)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SIGNED_SUFFIXES)
    if not files:
        raise SystemExit(f"no PE files under {folder}")
    verdicts: list[Verdict] = []
    failures: list[str] = []
    for path in files:
        verdict = verify(path, bundle)
        verdicts.append(verdict)
        name = path.name.lower()
        if name in MICROSOFT_RUNTIME:
            if verdict.ok and "/O=Microsoft Corporation/" in verdict.signer:
                continue
            if extra_ca is None and "/O=Microsoft Corporation/" in verdict.signer and digest_matches(path):
                print(f"[installer] note: {path.name}: Microsoft's signature, its root (Microsoft Root CA 2011) not "
                      "available offline — held by the embeddable zip's SHA-256 pin (give --extra-ca to verify it)")
                continue
            failures.append(f"{path.name}: {verdict.detail} (signer {verdict.signer or 'none'})")
        elif not verdict.ok:
            failures.append(f"{path.name}: {verdict.detail}")
        elif PSF not in verdict.signer:
            failures.append(f"{path.name}: signed by {verdict.signer}, not the Python Software Foundation")
    if failures:
        raise SystemExit("Authenticode check failed:\n  " + "\n  ".join(failures))
    return verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--extra-ca", type=Path, help="more trusted roots (PEM), e.g. Microsoft Root CA 2010/2011")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory() as work:
        verdicts = verify_folder(args.folder, Path(work), args.extra_ca)
    for v in verdicts:
        print(f"{'ok ' if v.ok else '-- '} {v.path.name:24} {v.signer}")
    print(f"{sum(v.ok for v in verdicts)} of {len(verdicts)} signatures verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
