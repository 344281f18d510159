namespace Im.Orleans;

/// <summary>Marker for anything addressable by a grain reference.</summary>
public interface IAddressable
{
}

/// <summary>Marker for grain interfaces; use one of the keyed variants.</summary>
public interface IGrain : IAddressable
{
}

/// <summary>A grain whose primary key is a string.</summary>
public interface IGrainWithStringKey : IGrain
{
}

/// <summary>A grain whose primary key is a Guid.</summary>
public interface IGrainWithGuidKey : IGrain
{
}

/// <summary>A grain whose primary key is a 64-bit integer.</summary>
public interface IGrainWithIntegerKey : IGrain
{
}

/// <summary>Marker for observer interfaces: objects outside grains that grains call back.</summary>
public interface IGrainObserver : IAddressable
{
}
