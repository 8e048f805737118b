<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** RFC 6962 hashing with SHA-256, RFC 9162 §2.1.3.2 inclusion and §2.1.4.2 consistency verification (witness-protocol §2.1). */
final class Merkle
{
    public static function leafHash(string $data): string
    {
        return hash('sha256', "\x00" . $data, true);
    }

    public static function nodeHash(string $left, string $right): string
    {
        return hash('sha256', "\x01" . $left . $right, true);
    }

    /**
     * The root the audit path `$proof` of leaf `$index` in a tree of `$size` leaves leads to;
     * null unless the path has exactly the shape RFC 9162 §2.1.3.2 requires.
     *
     * @param list<string> $proof
     */
    public static function rootFromInclusion(string $leafHash, int $index, int $size, array $proof): ?string
    {
        if ($index < 0 || $index >= $size) {
            return null;
        }
        [$fn, $sn, $r] = [$index, $size - 1, $leafHash];
        foreach ($proof as $p) {
            if ($sn === 0) {
                return null;
            }
            if (($fn & 1) === 1 || $fn === $sn) {
                $r = self::nodeHash($p, $r);
                while (($fn & 1) === 0 && $fn !== 0) {
                    $fn >>= 1;
                    $sn >>= 1;
                }
            } else {
                $r = self::nodeHash($r, $p);
            }
            $fn >>= 1;
            $sn >>= 1;
        }
        return $sn === 0 ? $r : null;
    }

    /**
     * Whether `$proof` shows the tree of `$oldSize` leaves and root `$oldRoot` to be the prefix of
     * the tree of `$newSize` leaves and root `$newRoot` (RFC 9162 §2.1.4.2).
     *
     * @param list<string> $proof
     */
    public static function consistent(int $oldSize, int $newSize, string $oldRoot, string $newRoot, array $proof): bool
    {
        if ($oldSize < 0 || $oldSize > $newSize || count($proof) > EntryProof::MAX_PROOF_HASHES) {
            return false;
        }
        if ($oldSize === $newSize || $oldSize === 0) {
            return $proof === [] && $oldRoot === ($oldSize === 0 ? hash('sha256', '', true) : $newRoot);
        }
        if ($proof === []) {
            return false;
        }
        if (($oldSize & ($oldSize - 1)) === 0) {
            array_unshift($proof, $oldRoot); // an old tree that is a complete subtree is its own first node
        }
        [$fn, $sn] = [$oldSize - 1, $newSize - 1];
        while (($fn & 1) === 1) {
            [$fn, $sn] = [$fn >> 1, $sn >> 1];
        }
        $fr = $sr = $proof[0];
        foreach (array_slice($proof, 1) as $c) {
            if ($sn === 0) {
                return false;
            }
            if (($fn & 1) === 1 || $fn === $sn) {
                [$fr, $sr] = [self::nodeHash($c, $fr), self::nodeHash($c, $sr)];
                while (($fn & 1) === 0 && $fn !== 0) {
                    [$fn, $sn] = [$fn >> 1, $sn >> 1];
                }
            } else {
                $sr = self::nodeHash($sr, $c);
            }
            [$fn, $sn] = [$fn >> 1, $sn >> 1];
        }
        return $sn === 0 && $fr === $oldRoot && $sr === $newRoot;
    }
}
