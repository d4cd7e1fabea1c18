"""Reader workers tune glibc's allocator so that large freed blocks go back to the system.

Each check runs in a fresh child process: the settings change the whole process's allocator, and
the test process must keep its own. The allocator's accounting comes from ``mallinfo2``.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp

import pytest

from truceline.scale import allocator

pytestmark = pytest.mark.skipif(allocator._libc() is None or not hasattr(allocator._libc(), "mallinfo2"),
                                reason="not glibc >= 2.33: nothing to tune or to measure")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


def _mapped_bytes() -> int:
    """Bytes of the blocks glibc mapped apart (``hblkhd``): those given back when freed."""
    libc = allocator._libc()
    libc.mallinfo2.restype = _MallInfo2
    return int(libc.mallinfo2().hblkhd)


def _block_goes_back(tune: bool) -> bool:
    """After one 16 MB block was freed, is a new 8 MB block mapped apart (so given back when freed)?"""
    if tune:
        allocator.tune_allocator()
    big = bytearray(16 << 20)  # freed: glibc's dynamic threshold rises to its size (blocks up to 32 MB)
    del big
    before = _mapped_bytes()
    block = bytearray(8 << 20)
    mapped = _mapped_bytes() - before >= 8 << 20
    del block
    return mapped


def _in_child(fn, *args):
    """``fn(*args)`` in a fresh interpreter: a fork of this process would inherit its heap, whose
    free chunks can serve a large request without any new mapping, tuned or not."""
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def test_a_tuned_process_maps_large_blocks_apart_whatever_was_freed_before():
    assert _in_child(_block_goes_back, True) is True
    assert _in_child(_block_goes_back, False) is False  # glibc's default: the same block comes from the heap


def _release_counts(every: int, tasks: int, tune: bool) -> list[bool]:
    if tune:
        allocator.tune_allocator()
    return [allocator.release(every=every) for _ in range(tasks)]


def test_release_trims_every_nth_task_and_only_in_a_tuned_process():
    assert _in_child(_release_counts, 3, 7, True) == [False, False, True, False, False, True, False]
    assert _in_child(_release_counts, 3, 7, False) == [False] * 7  # a library caller's process is left alone


def test_the_reading_pool_workers_are_tuned():
    from truceline.nlp.pool import open_pool

    pool = open_pool(1)
    try:
        assert pool.apply(allocator.tuned) is True
    finally:
        pool.close()
        pool.join()
    assert allocator.tuned() is False  # the parent's allocator is untouched
