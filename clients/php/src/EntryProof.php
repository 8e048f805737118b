<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A `c2sp.org/tlog-proof@v1` file proving that one Chronicle entry is in a checkpoint cosigned by
 * witnesses (witness-protocol §7.1):
 *
 *     c2sp.org/tlog-proof@v1
 *     extra <base64 of the entry's JSON>
 *     index <leaf index>
 *     <inclusion proof hashes, base64, one per line>
 *     <empty line>
 *     <the cosigned checkpoint note>
 */
final class EntryProof
{
    public const HEADER = 'c2sp.org/tlog-proof@v1';
    public const MAX_BYTES = 1 << 20;
    public const MAX_PROOF_HASHES = 63;

    /** @param list<string> $proof */
    private function __construct(public readonly Entry $entry, public readonly int $index, public readonly array $proof, public readonly SignedNote $note)
    {
    }

    /** Parses a proof file's exact bytes. */
    public static function parse(string $bytes): self
    {
        if (strlen($bytes) > self::MAX_BYTES) {
            throw new Refused('the proof is over ' . self::MAX_BYTES . ' bytes');
        }
        $split = strpos($bytes, "\n\n");
        if ($split === false) {
            throw new Refused('no empty line separates the inclusion proof from the checkpoint');
        }
        $lines = explode("\n", substr($bytes, 0, $split));
        if ($lines[0] !== self::HEADER) {
            throw new Refused('the first line is not ' . self::HEADER);
        }
        $extra = str_starts_with($lines[1] ?? '', 'extra ') ? Encoding::base64(substr($lines[1], 6)) : null;
        if ($extra === null || $extra === '') {
            throw new Refused('the second line is not "extra <base64>" (the Chronicle entry this proof is about)');
        }
        $index = str_starts_with($lines[2] ?? '', 'index ') ? Encoding::decimal(substr($lines[2], 6)) : null;
        if ($index === null) {
            throw new Refused('the third line is not "index <decimal without leading zeros>"');
        }
        $proof = [];
        foreach (array_slice($lines, 3) as $n => $line) {
            $hash = Encoding::base64($line, 32);
            if ($hash === null || $n >= self::MAX_PROOF_HASHES) {
                throw new Refused('proof line ' . ($n + 1) . ' is not base64 of 32 bytes, or there are more than ' . self::MAX_PROOF_HASHES);
            }
            $proof[] = $hash;
        }
        return new self(Entry::fromJSON($extra), $index, $proof, SignedNote::parse(substr($bytes, $split + 2)));
    }

    /**
     * Verifies the proof offline, in the order of witness-protocol §7.1: the entry recomputes and
     * its signature verifies (under `$entryKey`, base64url, when given); its leaf walks up the
     * inclusion proof to the checkpoint root; the checkpoint is of `$origin` (when given); the
     * policy's witnesses that cosigned it make a quorum. Cosignature times are returned, not
     * judged: an offline proof has no clock (as `chronicle-witness check --proof`).
     */
    public function verify(Policy $policy, ?string $origin = null, ?string $entryKey = null): Verdict
    {
        $currhash = $this->entry->verifiedCurrhash($this->index);
        if ($entryKey !== null && $this->entry->publickey !== $entryKey) {
            throw new Refused("the entry is signed by {$this->entry->publickey}, not by the required key");
        }
        $note = $this->note;
        $root = Merkle::rootFromInclusion(Merkle::leafHash($currhash), $this->index, $note->size, $this->proof);
        if ($root === null || !hash_equals($note->root, $root)) {
            throw new Refused("the inclusion proof does not lead from leaf {$this->index} to the root of the checkpoint of size {$note->size}");
        }
        if ($origin !== null && $origin !== $note->origin) {
            throw new Refused("the checkpoint is of {$note->origin}, not of {$origin}");
        }
        $cosigners = [];
        foreach ($policy->witnesses as $name => $vkey) {
            $time = $vkey->cosignatureTime($note);
            if ($time !== null) {
                $cosigners[$name] = $time;
            }
        }
        if (!$policy->isSatisfied(array_keys($cosigners))) {
            throw new Refused($cosigners === [] ? 'no policy witness cosigned the checkpoint'
                : 'the cosignatures of ' . implode(', ', array_keys($cosigners)) . ' do not satisfy the policy\'s quorum');
        }
        return new Verdict($this->entry, $this->index + 1, $note->origin, $note->size, $note->root, $cosigners);
    }
}
