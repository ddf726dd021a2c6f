"""What signing adds to storing an answer: report store saves with and without a signer.

Saves N distinct answers (the size of a real point answer from the shipped layers, about
4 KB, or ``--size``) into an in-memory report store, once unsigned and once with an
Ed25519 signer (geozone/signing.py), and prints microseconds per save and their ratio;
also Ed25519 signing alone against one SHA-512 pass over the same bytes (the hash inside
Ed25519) as the naive floor. Runs in a few seconds; absolute figures vary on a shared VM,
the ratios are the useful figures.

    .venv/bin/python benchmarks/bench_signing.py [--answers 3000] [--size 4000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from geozone.report_store import ReportStore
from geozone.signing import Signer


def answers(n: int, size: int, salt: str) -> list[str]:
    """``n`` distinct answer texts of about ``size`` bytes with 32-hex report ids."""
    pad = "x" * size
    return [
        json.dumps(
            {"report_id": hashlib.md5(f"{salt}{i}".encode()).hexdigest(), "pad": pad, "layers": []}
        )
        for i in range(n)
    ]


def per_save_us(store: ReportStore, texts: list[str]) -> float:
    """Microseconds per ``save`` (each waits for its commit)."""
    start = time.perf_counter()
    for text in texts:
        store.save(text)
    return (time.perf_counter() - start) / len(texts) * 1e6


def main() -> None:
    """Run the comparison and print it."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--answers", type=int, default=3000)
    parser.add_argument("--size", type=int, default=4000)
    args = parser.parse_args()
    signer = Signer(Ed25519PrivateKey.generate())

    plain = ReportStore(":memory:")
    signed = ReportStore(":memory:", signer=signer)
    per_save_us(plain, answers(200, args.size, "warm-a"))  # warm up both
    per_save_us(signed, answers(200, args.size, "warm-b"))
    unsigned_us = per_save_us(plain, answers(args.answers, args.size, "a"))
    signed_us = per_save_us(signed, answers(args.answers, args.size, "b"))
    plain.close()
    signed.close()

    data = answers(1, args.size, "c")[0].encode()
    n = 2000
    start = time.perf_counter()
    for _ in range(n):
        hashlib.sha512(data).digest()
    sha_us = (time.perf_counter() - start) / n * 1e6
    start = time.perf_counter()
    for _ in range(n):
        signer.sign("0" * 32, data)
    sign_us = (time.perf_counter() - start) / n * 1e6

    print(f"answers: {args.answers} of {len(data)} bytes")
    print(f"save, unsigned: {unsigned_us:8.1f} us")
    print(f"save, signed:   {signed_us:8.1f} us   ratio {signed_us / unsigned_us:.2f}x")
    print(f"SHA-512 pass:   {sha_us:8.1f} us")
    print(f"Ed25519 sign:   {sign_us:8.1f} us   ratio {sign_us / sha_us:.1f}x one SHA-512 pass")


if __name__ == "__main__":
    main()
