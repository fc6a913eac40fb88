"""The shared branch-and-bound driver: a memory bound on the queue changes the order
of work, never the answer."""
import numpy as np

from symlqr.branch.core import Boxes, Step, branch_and_bound


def _decide(b):
    """Boxes of ``[-2, 2]^2`` meeting the circle ``x^2 + y^2 = 2``, down to a side of
    ``2^-8`` (then "found": a stand-in for a certified item): a box is excluded when
    the interval bound of ``x^2 + y^2 - 2`` excludes 0. A wide frontier (every box
    along the circle), with a 64-float payload per box that the driver carries."""
    lo, hi = b.lo, b.hi
    near = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(lo ** 2, hi ** 2)).sum(axis=1)
    far = np.maximum(lo ** 2, hi ** 2).sum(axis=1)
    none = (near > 2) | (far < 2)
    tiny = ~none & ((hi - lo).max(axis=1) <= 2.0 ** -8)
    assert b.data["payload"].shape == (len(b), 64)
    step = Step(excluded={"no zero": none}, children=b.take(~none & ~tiny).bisect(at=0.5))
    step.found = [(int(j), (float(lo[j, 0]), float(lo[j, 1]))) for j in np.nonzero(tiny)[0]]
    return step


def _run(memory, batch=4):
    roots = Boxes(np.array([[-2.0, -2.0]]), np.array([[2.0, 2.0]]), {"payload": np.zeros((1, 64))})
    return branch_and_bound(roots, _decide, batch=batch, memory=memory)


def test_a_memory_bound_keeps_the_queue_small_and_the_answer_the_same():
    free = _run(None)
    tight = _run(free.peak_bytes // 20)
    assert free.complete and tight.complete and len(free.found) > 1000
    assert sorted(free.found) == sorted(tight.found)
    assert free.boxes == tight.boxes and free.excluded == tight.excluded
    assert abs(tight.decided_fraction - 1) < 1e-12
    # about the bound plus the depth-first path's siblings (a few batches)
    assert tight.peak_bytes < free.peak_bytes / 5


def test_a_batch_marked_first_is_worked_before_larger_ones():
    """``Boxes.first`` orders the queue (before the largest box) and decides
    nothing: every box still leaves the queue, excluded here."""
    seen = []

    def decide(boxes):
        seen.append(float(boxes.volumes().max()))
        step = Step()
        step.excluded["done"] = np.ones(len(boxes), dtype=bool)
        return step

    big = Boxes(np.array([[0.0]]), np.array([[10.0]]))
    small = Boxes(np.array([[20.0]]), np.array([[21.0]]), first=True)
    roots = Boxes.concat([big, small])
    out = branch_and_bound(small, decide)
    assert seen == [1.0] and out.excluded["done"] == 1
    seen.clear()

    def split_then(boxes):
        step = Step()
        if len(seen) == 0:
            seen.append("root")
            step.children = [big, small]
            return step
        return decide(boxes)
    branch_and_bound(roots, split_then)
    assert seen == ["root", 1.0, 10.0]


def test_a_zero_cut_out_of_its_box_is_found_once_and_the_rest_covered():
    """Two points ``z`` stand in for verified zeros (one at the centre of the root
    box, on the face of every bisection), each with a unique box ``z +- 1/8``; a box holding ``z`` well inside is split into that box
    (found, :attr:`Step.found_in`) and the pieces around it
    (:func:`~symlqr.branch.splitting.complement`), a box meeting the unique box
    with ``z`` outside has the intersection excluded; boxes away from every
    ``z`` are excluded. Without the cut the centre is chased down to the finest
    width in all four boxes around it."""
    from symlqr.branch.splitting import complement
    zeros = np.array([[0.0, 0.0], [0.7, -0.3]])
    r = 0.125

    def decide(b):
        step = Step(excluded={"away": np.zeros(len(b), dtype=bool)})
        kids = []
        for j in range(len(b)):
            lo, hi = b.lo[j], b.hi[j]
            near = [z for z in zeros if np.all(z - r < hi) and np.all(lo < z + r)]
            if not near:
                step.excluded["away"][j] = True
                continue
            z = near[0]
            if np.all(z - r <= lo) and np.all(hi <= z + r) and not np.all((lo < z) & (z < hi)):
                step.excluded["away"][j] = True      # inside the unique box, z outside
                continue
            pieces, rest = complement(b.take([j]), z - r, z + r, [])
            if np.all((rest.lo[0] < z) & (z < rest.hi[0])):
                step.found_in.append((rest.lo[0].tolist(), rest.hi[0].tolist(), tuple(z)))
            elif np.all((rest.lo[0] <= z) & (z <= rest.hi[0])):    # z on a face: bisect
                kids.append(b.take([j]).bisect())
                continue
            else:
                step.parts.append((rest.lo[0].tolist(), rest.hi[0].tolist(), "cut"))
            if pieces is not None:
                kids.append(pieces)
        step.children = kids
        return step

    out = branch_and_bound(Boxes(np.array([[-1.0, -1.0]]), np.array([[1.0, 1.0]])), decide)
    assert out.complete and sorted(out.found) == [(0.0, 0.0), (0.7, -0.3)]
    assert abs(out.decided_fraction - 1) < 1e-12 and out.boxes < 60
