<?php
declare(strict_types=1);

use ChronicleWitness\Merkle;

/** RFC 6962 §2.1's definitions written out directly (MTH, PATH, SUBPROOF) for the tests to make proofs with. */
final class RFC6962
{
    /** @param list<string> $leaves */
    public static function mth(array $leaves): string
    {
        $n = count($leaves);
        if ($n === 0) {
            return hash('sha256', '', true);
        }
        if ($n === 1) {
            return Merkle::leafHash($leaves[0]);
        }
        $k = self::split($n);
        return Merkle::nodeHash(self::mth(array_slice($leaves, 0, $k)), self::mth(array_slice($leaves, $k)));
    }

    /** RFC 6962 SUBPROOF(m, D[n], b). */
    public static function subproof(int $m, array $leaves, bool $complete): array
    {
        $n = count($leaves);
        if ($m === $n) {
            return $complete ? [] : [self::mth($leaves)];
        }
        $k = self::split($n);
        if ($m <= $k) {
            return [...self::subproof($m, array_slice($leaves, 0, $k), $complete), self::mth(array_slice($leaves, $k))];
        }
        return [...self::subproof($m - $k, array_slice($leaves, $k), false), self::mth(array_slice($leaves, 0, $k))];
    }

    /** RFC 6962 PATH(m, D[n]): the audit path of leaf `$m`. */
    public static function path(int $m, array $leaves): array
    {
        $n = count($leaves);
        if ($n <= 1) {
            return [];
        }
        $k = self::split($n);
        if ($m < $k) {
            return [...self::path($m, array_slice($leaves, 0, $k)), self::mth(array_slice($leaves, $k))];
        }
        return [...self::path($m - $k, array_slice($leaves, $k)), self::mth(array_slice($leaves, 0, $k))];
    }

    /** The largest power of two smaller than `$n` (> 1). */
    private static function split(int $n): int
    {
        for ($k = 1; $k * 2 < $n; $k *= 2) {
        }
        return $k;
    }
}
