namespace FrontierGateway.Gateway.Inference;

public enum InferenceOperation { ChatCompletions, Completions, Embeddings }
