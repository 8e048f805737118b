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
    private function __construct(public readonly Entry $entry, public readonly int $index, public readonly array $proof,
                                 public readonly SignedNote $note)
    {
    }

    /** Parses a proof file's exact bytes. */
    public static function parse(string $bytes): self
    {
        Refused::when(strlen($bytes) > self::MAX_BYTES, 'the proof is over ' . self::MAX_BYTES . ' bytes');
        $split = strpos($bytes, "\n\n");
        Refused::when($split === false, 'no empty line separates the inclusion proof from the checkpoint');
        $lines = explode("\n", substr($bytes, 0, $split));
        Refused::when($lines[0] !== self::HEADER, 'the first line is not ' . self::HEADER);
        $extra = str_starts_with($lines[1] ?? '', 'extra ') ? Encoding::base64(substr($lines[1], 6)) : null;
        Refused::when(!$extra, 'the second line is not "extra <base64>" (the Chronicle entry this proof is about)');
        $index = str_starts_with($lines[2] ?? '', 'index ') ? Encoding::decimal(substr($lines[2], 6)) : null;
        Refused::when($index === null, 'the third line is not "index <decimal without leading zeros>"');
        $proof = array_map(fn (string $line): ?string => Encoding::base64($line, 32), array_slice($lines, 3));
        Refused::when(in_array(null, $proof, true) || count($proof) > self::MAX_PROOF_HASHES,
            'the inclusion proof is not lines of base64 of 32 bytes, at most ' . self::MAX_PROOF_HASHES);
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
        Refused::when($entryKey !== null && $this->entry->publickey !== $entryKey,
            "the entry is signed by {$this->entry->publickey}, not by the required key");
        $note = $this->note;
        $root = Merkle::rootFromInclusion(Merkle::leafHash($currhash), $this->index, $note->size, $this->proof);
        Refused::when($root === null || !hash_equals($note->root, $root),
            "the inclusion proof does not lead from leaf {$this->index} to the root of the checkpoint of size {$note->size}");
        Refused::when($origin !== null && $origin !== $note->origin, "the checkpoint is of {$note->origin}, not of {$origin}");
        $cosigners = $policy->cosigners($note);
        Refused::when(!$policy->isSatisfied(array_keys($cosigners)), $cosigners === [] ? 'no policy witness cosigned the checkpoint'
            : 'the cosignatures of ' . implode(', ', array_keys($cosigners)) . " do not satisfy the policy's quorum");
        return new Verdict($this->entry, $this->index + 1, $note->origin, $note->size, $note->root, $cosigners);
    }
}
