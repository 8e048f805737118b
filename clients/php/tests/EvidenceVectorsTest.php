<?php
declare(strict_types=1);

use ChronicleWitness\{Encoding, Evidence, Freshness, Policy};
use PHPUnit\Framework\TestCase;

/**
 * The evidence vectors the Swift suite makes (Tests/Fixtures/evidence-vectors,
 * EvidenceVectorTests.swift) from a fake Chronicle's signed bodies: a fork, a rollback and a Merkle
 * log's fork that prove themselves (acted on: 4), and what must only be reported (no pinned key,
 * another key or origin, a body missing, altered or not recomputing, a reporter signature that
 * fails, the reporter's word, equal datetimes, two sizes). `Freshness::decide` must act as `check`.
 */
final class EvidenceVectorsTest extends TestCase
{
    public static function vectors(): array
    {
        return SharedVectors::cases('evidence-vectors');
    }

    /** @dataProvider vectors */
    public function testTheDecisionIsChecks(array $vector): void
    {
        $m = SharedVectors::manifest('evidence-vectors');
        $key = $vector['pinned_key'] === null ? null : Encoding::base64urlCanonical($vector['pinned_key'], 32);
        [$code, $about] = Freshness::decide(Policy::parse($m['policy']), $m['origin'], $m['notes'], [], $m['max_age'], $m['now'],
                                            evidence: [$vector['evidence']], logKey: $key);
        $this->assertSame($vector['exit_code'], $code, $vector['name']);
        $this->assertSame($m['head']['size'], $about[0] ?? null, $vector['name']);
        $this->assertSame($vector['acts'], $key === null ? null : Evidence::proven($vector['evidence'], $m['origin'], $key), $vector['name']);
    }

    public function testBothOutcomesAreCovered(): void
    {
        $acts = array_column(array_column(self::vectors(), 0), 'acts');
        foreach (['fork', 'rollback', null] as $kind) {
            $this->assertContains($kind, $acts);
        }
    }
}
