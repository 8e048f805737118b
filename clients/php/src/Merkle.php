<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** RFC 6962 hashing with SHA-256 and RFC 9162 §2.1.3.2 inclusion verification (witness-protocol §2.1). */
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
}
