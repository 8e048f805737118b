<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** The witness policy text is malformed (a usage error, not a verdict on a proof). */
final class BadPolicy extends \InvalidArgumentException
{
    /** Throws `$why` when `$failed`: each check of this library is one line. */
    public static function when(bool $failed, string $why): void
    {
        if ($failed) {
            throw new self($why);
        }
    }
}
