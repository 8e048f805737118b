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
            $words = [];
            foreach (preg_split('/[ \t]+/', $raw, -1, PREG_SPLIT_NO_EMPTY) as $word) {
                if ($word[0] === '#') {
                    break;
                }
                $words[] = $word;
            }
            if ($words === []) {
                continue;
            }
            $where = 'line ' . ($number + 1) . ': ';
            $keyword = $words[0];
            if ($keyword === 'log') {
                continue;
            }
            if ($keyword === 'quorum') {
                if (count($words) !== 2 || $policy->quorum !== null) {
                    throw new BadPolicy($where . 'expected one "quorum NAME|none" line');
                }
                if ($words[1] !== 'none' && !isset($defined[$words[1]])) {
                    throw new BadPolicy($where . "unknown name {$words[1]}");
                }
                $policy->quorum = $words[1];
                continue;
            }
            if (($keyword !== 'witness' && $keyword !== 'group') || count($words) < 3) {
                throw new BadPolicy($where . 'expected witness, group, quorum or log');
            }
            $name = $words[1];
            if ($name === 'none' || isset($defined[$name])) {
                throw new BadPolicy($where . "the name {$name} is reserved or already defined");
            }
            if ($keyword === 'witness') {
                $vkey = count($words) <= 4 ? VerifierKey::parse($words[2]) : null;
                if ($vkey === null || in_array((string) $vkey, array_map('strval', $policy->witnesses), true)) {
                    throw new BadPolicy($where . 'expected "witness NAME VKEY [URL]" with a new cosignature/v1 vkey');
                }
                if (isset($words[3])) {
                    $url = rtrim($words[3], '/');
                    if (preg_match('#\Ahttps?://[^/\s]#', $url) !== 1) {
                        throw new BadPolicy($where . "{$words[3]} is not an http(s) URL");
                    }
                    $policy->urls[$name] = $url;
                }
                $policy->witnesses[$name] = $vkey;
            } else {
                $members = array_slice($words, 3);
                $threshold = match ($words[2]) {
                    'all' => count($members), 'any' => 1,
                    default => preg_match('/\A[0-9]+\z/', $words[2]) === 1 ? (int) $words[2] : -1,
                };
                if ($members === [] || $threshold < 1 || $threshold > count($members) || count(array_unique($members)) !== count($members)) {
                    throw new BadPolicy($where . 'expected "group NAME K|all|any MEMBER..." with 1 <= K <= distinct members');
                }
                foreach ($members as $member) {
                    if (!isset($defined[$member])) {
                        throw new BadPolicy($where . "unknown member {$member} (names are defined before use)");
                    }
                }
                $policy->groups[$name] = [$threshold, $members];
            }
            $defined[$name] = true;
        }
        if ($policy->quorum === null) {
            throw new BadPolicy('the policy has no quorum line');
        }
        return $policy;
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
        $met = 0;
        foreach ($members as $member) {
            $met += $this->satisfies($member, $counted) ? 1 : 0;
        }
        return $met >= $threshold;
    }
}
