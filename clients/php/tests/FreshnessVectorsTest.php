<?php
declare(strict_types=1);

use ChronicleWitness\{Freshness, Policy};
use PHPUnit\Framework\TestCase;

/**
 * The freshness vectors the Swift suite makes (Tests/Fixtures/freshness-vectors,
 * FreshnessVectorTests.swift): fresh, stale, future-dated, no quorum, denial of update, split
 * view, an equivocating witness. `Freshness::decide` must give each the exit code `check` gives.
 */
final class FreshnessVectorsTest extends TestCase
{
    public static function vectors(): array
    {
        return SharedVectors::cases('freshness-vectors');
    }

    /** @dataProvider vectors */
    public function testTheDecisionIsChecks(array $vector): void
    {
        $m = SharedVectors::manifest('freshness-vectors');
        $attestations = array_map(fn (array $a): array => [$a['witness'], $a['size'], base64_decode($a['root'], true)], $vector['attestations']);
        $head = $vector['head'] === null ? null : [$vector['head']['size'], base64_decode($vector['head']['root'], true)];
        [$code, $about] = Freshness::decide(Policy::parse($m['policy']), $m['origin'], $vector['notes'], $attestations, $m['max_age'], $m['now'],
                                            $head, $m['future_skew']);
        $this->assertSame($vector['exit_code'], $code, $vector['name']);
        $this->assertSame($vector['about_size'], $about[0] ?? null, $vector['name']);
    }

    public function testTheKindsAreCovered(): void
    {
        $codes = array_column(array_column(self::vectors(), 0), 'exit_code');
        foreach ([Freshness::ACCEPTED, Freshness::NO_QUORUM, Freshness::DENIED_UPDATE, Freshness::SPLIT_VIEW] as $code) {
            $this->assertContains($code, $codes);
        }
    }
}
