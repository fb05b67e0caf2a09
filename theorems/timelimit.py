"""The time limit of a claim variant outside the main thread (where SIGALRM cannot be used):
in a Dask worker's task thread, for a whole variant (:mod:`theorems.runner`) or for one batch
of a sweep sent to the cluster (:mod:`theorems.parallel`)."""

from __future__ import annotations

import threading

from .claim import TimeLimitReached


class ThreadTimer:
    """A timer raises :class:`TimeLimitReached` asynchronously in the thread that created it
    (``PyThreadState_SetAsyncExc``), which Python delivers between bytecodes; :meth:`stop`
    disarms it."""

    def __init__(self, seconds: float) -> None:
        self._tid = threading.get_ident()
        self._lock = threading.Lock()
        self._done = False
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        import ctypes

        with self._lock:
            if not self._done:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(self._tid),
                                                           ctypes.py_object(TimeLimitReached))

    def stop(self) -> None:
        with self._lock:
            self._done = True
        self._timer.cancel()
