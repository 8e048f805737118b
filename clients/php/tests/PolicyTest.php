<?php
declare(strict_types=1);

use ChronicleWitness\{BadPolicy, Policy, VerifierKey};
use PHPUnit\Framework\TestCase;

/** tlog-policy as `chronicle-witness check` reads it; vkeys as witness-protocol §1 writes them. */
final class PolicyTest extends TestCase
{
    private const W1 = 'w1.example.org+781aab1b+BEchtbYyJy5lpo3aesJbQYX4sBkW2xhcFCh9uS4rdw+u';

    public function testAVkeyReadsOnlyWithItsOwnKeyID(): void
    {
        $vkey = VerifierKey::parse(self::W1);
        $this->assertNotNull($vkey);
        $this->assertSame(self::W1, (string) $vkey);
        $this->assertNull(VerifierKey::parse(str_replace('+781aab1b+', '+781aab1c+', self::W1)));
        $this->assertNull(VerifierKey::parse('w1.example.org+781aab1b'));
    }

    public function testGroupsAndQuorums(): void
    {
        $policy = Policy::parse("# comment\nwitness a " . self::W1 . " https://a.example/ # trailing\nlog x y\ngroup g any a\nquorum g\n");
        $this->assertSame(['a'], array_keys($policy->witnesses));
        $this->assertSame('https://a.example', $policy->urls['a']);
        $this->assertTrue($policy->isSatisfied(['a']));
        $this->assertFalse($policy->isSatisfied([]));
        $this->assertTrue(Policy::parse("quorum none\n")->isSatisfied([]));
    }

    /** @dataProvider malformed */
    public function testMalformedPoliciesAreRefused(string $text): void
    {
        $this->expectException(BadPolicy::class);
        Policy::parse($text);
    }

    public static function malformed(): array
    {
        $w = 'witness a ' . self::W1 . "\n";
        return [
            'no quorum' => [$w],
            'two quorums' => [$w . "quorum a\nquorum a\n"],
            'forward reference' => ["group g 1 a\n" . $w . "quorum g\n"],
            'threshold over members' => [$w . "group g 2 a\nquorum g\n"],
            'zero threshold' => [$w . "group g 0 a\nquorum g\n"],
            'duplicate name' => [$w . $w . "quorum a\n"],
            'bad vkey' => ["witness a nope\nquorum a\n"],
            'unknown keyword' => [$w . "quorom a\n"],
            'reserved name' => ['witness none ' . self::W1 . "\nquorum none\n"],
        ];
    }
}
