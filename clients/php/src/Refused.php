<?php
declare(strict_types=1);

namespace ChronicleWitness;

/** The proof, note or entry does not prove what it claims; the message is the one-line reason. */
final class Refused extends \RuntimeException
{
}
