/// Myers' O(ND) difference algorithm with the linear-space "middle snake" refinement (Myers 1986,
/// section 4b): find the middle of an optimal edit path from both ends at once, then recurse on the
/// two halves. Marks which elements of `a` and `b` are not part of the longest common subsequence.
struct MiddleSnakeDiff {
    let a: [Int]
    let b: [Int]
    var changedA: [Bool]
    var changedB: [Bool]
    /// Furthest-reaching x per diagonal, forward and backward, indexed by `diagonal + offset`.
    var forward: [Int]
    var backward: [Int]
    let offset: Int

    init(a: [Int], b: [Int]) {
        self.a = a
        self.b = b
        changedA = Array(repeating: false, count: a.count)
        changedB = Array(repeating: false, count: b.count)
        let diagonals = a.count + b.count + 3
        forward = Array(repeating: -1, count: diagonals + 2)
        backward = Array(repeating: Int.max, count: diagonals + 2)
        offset = b.count + 2
    }

    mutating func compare(off1: Int, lim1: Int, off2: Int, lim2: Int) {
        var off1 = off1, lim1 = lim1, off2 = off2, lim2 = lim2
        while off1 < lim1 && off2 < lim2 && a[off1] == b[off2] {
            off1 += 1
            off2 += 1
        }
        while off1 < lim1 && off2 < lim2 && a[lim1 - 1] == b[lim2 - 1] {
            lim1 -= 1
            lim2 -= 1
        }
        if off1 == lim1 {
            for index in off2..<lim2 { changedB[index] = true }
        } else if off2 == lim2 {
            for index in off1..<lim1 { changedA[index] = true }
        } else {
            let (splitA, splitB) = middleSnake(off1: off1, lim1: lim1, off2: off2, lim2: lim2)
            compare(off1: off1, lim1: splitA, off2: off2, lim2: splitB)
            compare(off1: splitA, lim1: lim1, off2: splitB, lim2: lim2)
        }
    }

    /// A point on an optimal path through the box, where the forward and backward searches meet.
    mutating func middleSnake(off1: Int, lim1: Int, off2: Int, lim2: Int) -> (Int, Int) {
        let dmin = off1 - lim2, dmax = lim1 - off2
        let fmid = off1 - off2, bmid = lim1 - lim2
        let odd = (fmid - bmid) & 1 != 0
        var fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid
        forward[fmid + offset] = off1
        backward[bmid + offset] = lim1
        while true {
            // Widen the forward diagonals by one on each side (or narrow at the box edge).
            if fmin > dmin { fmin -= 1; forward[fmin - 1 + offset] = -1 } else { fmin += 1 }
            if fmax < dmax { fmax += 1; forward[fmax + 1 + offset] = -1 } else { fmax -= 1 }
            var d = fmax
            while d >= fmin {
                var x = forward[d - 1 + offset] >= forward[d + 1 + offset] ? forward[d - 1 + offset] + 1 : forward[d + 1 + offset]
                var y = x - d
                while x < lim1 && y < lim2 && a[x] == b[y] {
                    x += 1
                    y += 1
                }
                forward[d + offset] = x
                if odd && bmin <= d && d <= bmax && backward[d + offset] <= x { return (x, y) }
                d -= 2
            }
            if bmin > dmin { bmin -= 1; backward[bmin - 1 + offset] = Int.max } else { bmin += 1 }
            if bmax < dmax { bmax += 1; backward[bmax + 1 + offset] = Int.max } else { bmax -= 1 }
            d = bmax
            while d >= bmin {
                var x = backward[d - 1 + offset] < backward[d + 1 + offset] ? backward[d - 1 + offset] : backward[d + 1 + offset] - 1
                var y = x - d
                while x > off1 && y > off2 && a[x - 1] == b[y - 1] {
                    x -= 1
                    y -= 1
                }
                backward[d + offset] = x
                if !odd && fmin <= d && d <= fmax && x <= forward[d + offset] { return (x, y) }
                d -= 2
            }
        }
    }
}
