/** asl-validator 4.0 ships no type declarations; this is the part of its API the tests use. */
declare module 'asl-validator' {
  interface AslValidation {
    isValid: boolean;
    errors: Array<{ message: string }>;
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: object, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidation;
}
