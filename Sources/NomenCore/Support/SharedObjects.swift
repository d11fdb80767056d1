import NomenRegex

/// Objects every checking thread reads for the whole run (a rule set and what it holds) have
/// their reference counts pinned: counting a reference writes to the object, and two cores
/// writing the same object's count pass its cache line back and forth. (Measured on the
/// 250 MB high-density corpus with 2 threads: `swift_retain` took 6% of the time, most of it
/// waiting on the count's load; with one thread, 2.6%.)
///
/// A pinned object is never freed, and is copied, not written in place, when written to (a
/// pinned array is never uniquely referenced): only objects made once and kept to the end of a
/// run are pinned (static tables when made, a rule set when a run first shares it between
/// threads: `RuleSet.pinForThreads`). A pinned object must have no weak references (pinning
/// replaces a side table), and nothing here makes one.
/// This uses the runtime entry point that the Swift project's own benchmarks use for the same
/// purpose.
enum SharedObjects {
    static func pin(_ object: AnyObject) {
        _swift_stdlib_immortalize(Unmanaged.passUnretained(object).toOpaque())
    }

    /// An array's storage (an empty array's is the shared empty storage, already pinned).
    static func pin<T>(storageOf array: [T]) {
        guard array.capacity > 0, let storage = Self.storage(of: array) else { return }
        pin(storage)
    }

    /// Several lists of names.
    static func pin(storagesOf arrays: [String]...) {
        for a in arrays { pin(storageOf: a) }
    }

    static func pin<K, V>(storageOf dictionary: [K: V]) {
        guard dictionary.capacity > 0, let storage = Self.storage(of: dictionary) else { return }
        pin(storage)
    }

    static func pin<T>(storageOf set: Set<T>) {
        guard set.capacity > 0, let storage = Self.storage(of: set) else { return }
        pin(storage)
    }

    /// `array`, its storage pinned: for a static table every thread reads.
    static func pinned<T>(_ array: [T]) -> [T] {
        pin(storageOf: array)
        return array
    }

    /// The one reference a native array, dictionary or set is made of. (Where the Objective-C
    /// runtime can back a collection with an Objective-C object, collections are not pinned.)
    private static func storage<C>(of collection: C) -> AnyObject? {
        #if _runtime(_ObjC)
        return nil
        #else
        precondition(MemoryLayout<C>.size == MemoryLayout<AnyObject>.size, "not a single reference")
        return unsafeBitCast(collection, to: AnyObject.self)
        #endif
    }
}

@_silgen_name("_swift_stdlib_immortalize")
private func _swift_stdlib_immortalize(_ object: UnsafeMutableRawPointer)

extension RuleSet {
    /// Pins what the checking threads read on every match: the rule set, its rules and their
    /// patterns, the trigger set and the index (see `SharedObjects`).
    func pinShared() {
        SharedObjects.pin(self)
        SharedObjects.pin(storagesOf: datasets)
        SharedObjects.pin(storageOf: patterns)
        SharedObjects.pin(storageOf: exceptions)
        SharedObjects.pin(storageOf: legacy)
        for p in patterns { p.pinShared() }
        for r in legacy {
            SharedObjects.pin(r)
            SharedObjects.pin(storagesOf: r.aliases)
            SharedObjects.pin(storageOf: r.inferenceOrder)
            SharedObjects.pin(storageOf: r.infer)
            SharedObjects.pin(storageOf: r.contexts)
            for regex in [r.regex, r.anchored] {
                SharedObjects.pin(regex)
                SharedObjects.pin(storageOf: regex.groupNames)
            }
        }
        for e in exceptions { SharedObjects.pin(storageOf: e.datasets) }
        SharedObjects.pin(triggers)
        SharedObjects.pin(storageOf: triggers.triggers)
        if let prefilter = triggers.prefilter {
            SharedObjects.pin(prefilter)
            SharedObjects.pin(prefilter.literals)
            SharedObjects.pin(storageOf: prefilter.bodies)
            SharedObjects.pin(storageOf: prefilter.uncovered)
        }
        SharedObjects.pin(storageOf: index.datasetByTrigger)
        for case let entry? in index.datasetByTrigger {
            SharedObjects.pin(entry)
            SharedObjects.pin(storageOf: entry.patterns)
        }
        SharedObjects.pin(storageOf: index.keptDatasets)
        SharedObjects.pin(index.keptDatasetBytes)
        SharedObjects.pin(index.exceptionBytes)
    }
}

extension NamePattern {
    func pinShared() {
        SharedObjects.pin(self)
        SharedObjects.pin(storageOf: segments)
        SharedObjects.pin(storageOf: pieces)
        SharedObjects.pin(storagesOf: datasets, pathPrefixes, suffixes, prefixes)
    }
}
