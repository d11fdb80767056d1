/// Did-you-mean: the closest words of a vocabulary by edit distance.
enum Suggest {
    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
    static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.unicodeScalars), t = Array(b.unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previous2 = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
            }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[t.count]
    }

    /// Candidates ranked best first: small edit distance, or one word a prefix of the other
    /// (`production` → `prod`, `all` → `allhistory`).
    static func ranked(_ word: String, in vocabulary: [String]) -> [String] {
        guard !word.isEmpty else { return [] }
        let lower = word.lowercased()
        var scored: [(score: Int, value: String)] = []
        for value in vocabulary {
            let d = distance(lower, value)
            // Two-character words are too short to guess at (`2w` is not a typo of `1w`).
            let shortest = min(lower.count, value.count)
            let limit = shortest <= 2 ? 0 : max(1, shortest / 3)
            if d <= limit {
                scored.append((d, value))
            } else if lower.count >= 3, value.count >= 3, value.hasPrefix(lower) || lower.hasPrefix(value) {
                scored.append((limit + 1 + abs(value.count - lower.count), value))
            }
        }
        return scored.sorted { ($0.score, $0.value) < ($1.score, $1.value) }.map(\.value)
    }

    static func closest(to word: String, in vocabulary: [String]) -> String? {
        ranked(word, in: vocabulary).first
    }
}
