<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** What a verified entry proof shows: the entry, its 1-based position, the checkpoint, and who cosigned it when. */
final class Verdict
{
    /** @param array<string, int> $cosigners policy witness name => cosignature time (POSIX seconds) */
    public function __construct(
        public readonly Entry $entry,
        public readonly int $position,
        public readonly string $origin,
        public readonly int $size,
        public readonly string $root,
        public readonly array $cosigners,
    ) {
    }
}
