<?php
declare(strict_types=1);

use ChronicleWitness\Merkle;
use PHPUnit\Framework\TestCase;

/**
 * Consistency verification against RFC 6962 §2.1.2's own definitions (MTH and SUBPROOF, written
 * out here independently): every proof between sizes 1..17 verifies, and every altered, shortened
 * or lengthened one, or one from another old tree, fails.
 */
final class MerkleTest extends TestCase
{
    public function testEveryProofVerifiesAndEveryAlterationFails(): void
    {
        $leaves = array_map(fn (int $i): string => "leaf {$i}", range(0, 16));
        for ($n = 1; $n <= 17; $n++) {
            $new = RFC6962::mth(array_slice($leaves, 0, $n));
            for ($m = 1; $m <= $n; $m++) {
                $old = RFC6962::mth(array_slice($leaves, 0, $m));
                $proof = $m === $n ? [] : RFC6962::subproof($m, array_slice($leaves, 0, $n), true);
                $this->assertTrue(Merkle::consistent($m, $n, $old, $new, $proof), "{$m} -> {$n}");
                $this->assertFalse(Merkle::consistent($m, $n, $old, $new, [...$proof, $new]), "{$m} -> {$n} lengthened");
                $this->assertFalse(Merkle::consistent($m, $n, RFC6962::mth(array_slice($leaves, 1, $m)), $new, $proof), "{$m} -> {$n} other old tree");
                if ($m < $n) {
                    $this->assertFalse(Merkle::consistent($m, $n, $old, $new, array_slice($proof, 0, -1)), "{$m} -> {$n} shortened");
                    foreach (array_keys($proof) as $i) {
                        $altered = $proof;
                        $altered[$i] = hash('sha256', $altered[$i], true);
                        $this->assertFalse(Merkle::consistent($m, $n, $old, $new, $altered), "{$m} -> {$n} hash {$i} altered");
                    }
                }
            }
        }
        $this->assertTrue(Merkle::consistent(0, 5, hash('sha256', '', true), RFC6962::mth(array_slice($leaves, 0, 5)), []));
        $this->assertFalse(Merkle::consistent(6, 5, RFC6962::mth(array_slice($leaves, 0, 6)), RFC6962::mth(array_slice($leaves, 0, 5)), []));
    }
}
