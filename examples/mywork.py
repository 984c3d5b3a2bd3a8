"""Your own code under gilbench: two functions that use libraries nobody here wrote.

``parse(n)`` renders a Markdown document ``n`` times with Python-Markdown (pure Python: it holds the GIL while it
works); ``matmul(n)`` multiplies two n x n matrices with numpy (C code that releases the GIL).  Measure them under
every interpreter, their dependencies installed into each interpreter's environment:

    PYTHONPATH=examples ./noxw -s bench -- --requirements examples/requirements.txt \\
        --workloads mywork:parse=2,mywork:matmul=120 --executors serial,threads --workers 2 --load 4 --repeat 2

Each function says what its tasks do (``gilbench_traits``), so the answer can ask the GIL question of it.
"""

from __future__ import annotations

import markdown
import numpy

DOCUMENT = "\n\n".join(
    f"## Section {n}\n\nSome *emphasis*, a [link](https://example.org/{n}), `code`, and a list:\n\n"
    + "\n".join(f"- item {n}.{i} with **bold** text" for i in range(8))
    for n in range(20)
)


def parse(n: int) -> int:
    """Render :data:`DOCUMENT` ``n`` times; the length of the last HTML."""
    html = ""
    for _ in range(n):
        html = markdown.markdown(DOCUMENT)
    return len(html)


parse.gilbench_traits = "cpu/holds"  # type: ignore[attr-defined]


def matmul(n: int) -> float:
    """Multiply two seeded n x n matrices; the trace of the product."""
    generator = numpy.random.default_rng(n)
    a, b = generator.random((n, n)), generator.random((n, n))
    return float(numpy.trace(a @ b))


matmul.gilbench_traits = "cpu/releases"  # type: ignore[attr-defined]
