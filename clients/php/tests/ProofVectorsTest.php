<?php
declare(strict_types=1);

use ChronicleWitness\{EntryProof, Policy, Refused};
use PHPUnit\Framework\TestCase;

/**
 * The vectors the Swift test suite makes over the real PHP Chronicle's chain
 * (Tests/Fixtures/proof-vectors, ProofVectorTests.swift): this verifier must give every one
 * the verdict the Swift client gives.
 */
final class ProofVectorsTest extends TestCase
{
    private const DIR = __DIR__ . '/../../../Tests/Fixtures/proof-vectors';

    public static function vectors(): array
    {
        $manifest = json_decode(file_get_contents(self::DIR . '/vectors.json'), true, 8, JSON_THROW_ON_ERROR);
        $cases = [];
        foreach ($manifest['vectors'] as $vector) {
            $cases[$vector['name']] = [$vector];
        }
        return $cases;
    }

    /** @dataProvider vectors */
    public function testTheVerdictIsTheSwiftClients(array $vector): void
    {
        $policy = Policy::parse(file_get_contents(self::DIR . '/policy.txt'));
        $bytes = file_get_contents(self::DIR . '/' . $vector['file']);
        try {
            $verdict = EntryProof::parse($bytes)->verify($policy, $vector['origin'], $vector['entry_key']);
        } catch (Refused $refused) {
            $this->assertFalse($vector['verified'], "{$vector['name']}: refused ({$refused->getMessage()}), expected verified");
            return;
        }
        $this->assertTrue($vector['verified'], "{$vector['name']}: verified, expected refused ({$vector['why']})");
        $this->assertSame($vector['position'], $verdict->position);
        $this->assertSame($vector['cosigners'], array_keys($verdict->cosigners));
    }

    public function testEveryVectorIsCovered(): void
    {
        $names = array_keys(self::vectors());
        foreach (['tampered entry', 'wrong index', 'truncated path', 'unknown witness', 'bad cosignature line', 'quorum not met'] as $kind) {
            $this->assertContains($kind, $names);
        }
    }

    /** The CLI's exit codes are those of `chronicle-witness check --proof`: 0 verified, 1 refused, 2 bad usage. */
    public function testTheCommandLine(): void
    {
        $cli = escapeshellarg(__DIR__ . '/../bin/verify-proof');
        $policy = escapeshellarg(self::DIR . '/policy.txt');
        $run = function (string $arguments): array {
            exec(PHP_BINARY . ' ' . $arguments . ' 2>&1', $output, $status);
            return [$status, implode("\n", $output)];
        };
        [$status, $output] = $run("$cli --policy $policy " . escapeshellarg(self::DIR . '/good-10.proof'));
        $this->assertSame(0, $status, $output);
        $this->assertStringStartsWith('VERIFIED: entry 10 of chronicle.example.org/chronicle', $output);
        [$status, $output] = $run("$cli --policy $policy " . escapeshellarg(self::DIR . '/tampered-entry.proof'));
        $this->assertSame(1, $status, $output);
        $this->assertStringStartsWith('NOT VERIFIED: the entry does not recompute', $output);
        [$status] = $run("$cli --policy /nonexistent " . escapeshellarg(self::DIR . '/good-10.proof'));
        $this->assertSame(2, $status);
        [$status] = $run("$cli " . escapeshellarg(self::DIR . '/good-10.proof'));
        $this->assertSame(2, $status);
    }
}
