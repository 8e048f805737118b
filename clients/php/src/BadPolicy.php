<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** The witness policy text is malformed (a usage error, not a verdict on a proof). */
final class BadPolicy extends \InvalidArgumentException
{
}
