<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** The proof, note or entry does not prove what it claims; the message is the one-line reason. */
final class Refused extends \RuntimeException
{
    /** Throws `$why` when `$failed`: each check of this library is one line. */
    public static function when(bool $failed, string $why): void
    {
        if ($failed) {
            throw new self($why);
        }
    }
}
