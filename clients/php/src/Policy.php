<?php
declare(strict_types=1);

namespace ChronicleWitness;

/**
 * A client's witness policy in the C2SP tlog-policy text form, read as `chronicle-witness check`
 * reads it: `witness NAME VKEY [URL]`, `group NAME K|all|any MEMBER...`, `quorum NAME|none`;
 * `log` lines ignored, `#` starting a word comments out the rest of the line; names are defined
 * before use, exactly one quorum.
 */
final class Policy
{
    /** @var array<string, VerifierKey> witness name => vkey, in definition order */
    public array $witnesses = [];
    /** @var array<string, string> witness name => base URL */
    public array $urls = [];
    /** @var array<string, array{0: int, 1: list<string>}> group name => (threshold, members) */
    private array $groups = [];
    private ?string $quorum = null;

    public static function parse(string $text): self
    {
        $policy = new self();
        $defined = [];
        foreach (preg_split('/\r?\n/', $text) as $number => $raw) {
            $words = preg_split('/[ \t]+/', preg_replace('/(\A|[ \t])#.*/', '', $raw), -1, PREG_SPLIT_NO_EMPTY);
            if ($words === [] || $words[0] === 'log') {
                continue;
            }
            $where = 'line ' . ($number + 1) . ': ';
            [$keyword, $name] = $words + [1 => ''];
            if ($keyword === 'quorum') {
                BadPolicy::when(count($words) !== 2 || $policy->quorum !== null, $where . 'expected one "quorum NAME|none" line');
                BadPolicy::when($name !== 'none' && !isset($defined[$name]), $where . "unknown name {$name}");
                $policy->quorum = $name;
                continue;
            }
            BadPolicy::when(!in_array($keyword, ['witness', 'group'], true) || count($words) < 3,
                $where . 'expected witness, group, quorum or log');
            BadPolicy::when($name === 'none' || isset($defined[$name]), $where . "the name {$name} is reserved or already defined");
            $defined[$name] = true;
            if ($keyword === 'witness') {
                $vkey = count($words) <= 4 ? VerifierKey::parse($words[2]) : null;
                BadPolicy::when($vkey === null || in_array((string) $vkey, array_map('strval', $policy->witnesses), true),
                    $where . 'expected "witness NAME VKEY [URL]" with a new cosignature/v1 vkey');
                $policy->witnesses[$name] = $vkey;
                $url = rtrim($words[3] ?? '', '/');
                BadPolicy::when(isset($words[3]) && preg_match('#\Ahttps?://[^/\s]#', $url) !== 1, $where . "{$url} is not an http(s) URL");
                if (isset($words[3])) {
                    $policy->urls[$name] = $url;
                }
                continue;
            }
            $members = array_slice($words, 3);
            $threshold = match ($words[2]) {
                'all' => count($members), 'any' => 1,
                default => preg_match('/\A[0-9]+\z/', $words[2]) === 1 ? (int) $words[2] : -1,
            };
            BadPolicy::when($threshold < 1 || $threshold > count($members) || count(array_unique($members)) !== count($members),
                $where . 'expected "group NAME K|all|any MEMBER..." with 1 <= K <= distinct members');
            foreach ($members as $member) {
                BadPolicy::when(!isset($defined[$member]) || $member === $name,
                    $where . "unknown member {$member} (names are defined before use)");
            }
            $policy->groups[$name] = [$threshold, $members];
        }
        BadPolicy::when($policy->quorum === null, 'the policy has no quorum line');
        return $policy;
    }

    /**
     * The policy witnesses whose cosignature `$note` carries, with its time (POSIX seconds); a policy witness's line that
     * fails refuses the note whole (witness-protocol §3).
     *
     * @return array<string, int> witness name => newest cosignature time
     */
    public function cosigners(SignedNote $note): array
    {
        $times = array_map(fn (VerifierKey $vkey): ?int => $vkey->cosignatureTime($note), $this->witnesses);
        return array_filter($times, fn (?int $time): bool => $time !== null);
    }

    /** Whether the witnesses named in `$counted` (policy names) satisfy the quorum. */
    public function isSatisfied(array $counted): bool
    {
        return $this->quorum === 'none' || $this->satisfies($this->quorum, array_flip($counted));
    }

    private function satisfies(string $name, array $counted): bool
    {
        if (isset($this->witnesses[$name])) {
            return isset($counted[$name]);
        }
        [$threshold, $members] = $this->groups[$name];
        return count(array_filter($members, fn (string $member): bool => $this->satisfies($member, $counted))) >= $threshold;
    }
}
